//! What property managers write in the Contact Type, Category and Country
//! columns instead of the values the rules know, in English, German, French,
//! Dutch and Spanish, with the value each means.
//!
//! Invariant (tested in `choices/tests.rs`): every canonical value is one the
//! rules accept; no spelling's key names two values in one column; and no
//! country spelling here is one `parse_country` already reads (those need no
//! guess). `""` means "leave it blank".

/// `(canonical Contact Type, spellings)`.
pub(super) static KINDS: &[(&str, &[&str])] = &[
    ("Person", &[
        // English
        "Individual", "Individuals", "Private", "Private person", "Private individual",
        "Natural person", "People", "Persons", "Personal", "Sole trader",
        // German
        "Privatperson", "Natürliche Person", "Privat", "Einzelperson", "Privatkunde",
        // French
        "Personne", "Particulier", "Personne physique", "Individu",
        // Dutch
        "Persoon", "Natuurlijk persoon", "Privépersoon",
        // Spanish
        "Persona", "Particular", "Persona física", "Persona natural", "Individuo",
    ]),
    ("Company", &[
        // English
        "Companies", "Business", "Businesses", "Organisation", "Organization", "Org",
        "Firm", "Corporation", "Corp", "Co", "Ltd", "Limited", "Inc", "Incorporated",
        "LLC", "PLC", "Pty", "Pty Ltd", "LLP", "Entity", "Legal entity", "Enterprise",
        "Trust", "Partnership", "Agency", "Commercial",
        // German
        "Firma", "Unternehmen", "Gesellschaft", "Betrieb", "Juristische Person", "GmbH",
        "AG", "KG", "GbR", "UG", "Gewerbe", "Geschäftskunde",
        // French
        "Entreprise", "Société", "Personne morale", "SARL", "SAS", "SA", "Compagnie",
        "Professionnel",
        // Dutch
        "Bedrijf", "Onderneming", "Rechtspersoon", "BV", "NV", "Vennootschap", "Zakelijk",
        // Spanish
        "Empresa", "Compañía", "Sociedad", "Persona jurídica", "SL", "Negocio",
    ]),
    ("", &[
        "N/A", "None", "Unknown", "TBC", "Keine", "Aucun", "Geen", "Ninguno",
    ]),
];

/// `(canonical Category, spellings)`.
pub(super) static CATEGORIES: &[(&str, &[&str])] = &[
    ("Tenant", &[
        // English
        "Tenants", "Renter", "Renters", "Lessee", "Occupant", "Occupier", "Resident",
        "Residents", "Lodger", "Boarder", "Flatmate",
        // German
        "Mieter", "Mieterin", "Mieterinnen", "Untermieter", "Bewohner", "Pächter",
        // French
        "Locataire", "Locataires", "Preneur", "Sous-locataire",
        // Dutch
        "Huurder", "Huurders", "Bewoner", "Onderhuurder",
        // Spanish
        "Inquilino", "Inquilina", "Inquilinos", "Arrendatario", "Arrendataria", "Ocupante",
    ]),
    ("Landlord", &[
        // English
        "Landlords", "Owner", "Owners", "Property owner", "Landlady", "Lessor", "Proprietor",
        "Freeholder",
        // German
        "Vermieter", "Vermieterin", "Eigentümer", "Eigentümerin", "Besitzer", "Hausbesitzer",
        "Hauseigentümer", "Verpächter",
        // French
        "Propriétaire", "Propriétaires", "Bailleur", "Bailleresse",
        // Dutch
        "Verhuurder", "Verhuurders", "Eigenaar", "Eigenaren",
        // Spanish
        "Propietario", "Propietaria", "Arrendador", "Arrendadora", "Casero", "Casera",
        "Dueño", "Dueña",
    ]),
    ("Supplier", &[
        // English
        "Suppliers", "Contractor", "Contractors", "Subcontractor", "Tradesman", "Tradesmen",
        "Tradesperson", "Tradie", "Trades", "Service provider", "Provider", "Maintenance",
        // German
        "Lieferant", "Lieferanten", "Dienstleister", "Handwerker", "Auftragnehmer", "Zulieferer",
        // French
        "Fournisseur", "Fournisseurs", "Prestataire", "Artisan",
        // Dutch
        "Leverancier", "Leveranciers", "Aannemer", "Dienstverlener", "Vakman",
        // Spanish
        "Proveedor", "Proveedores", "Contratista",
    ]),
    ("Agent", &[
        // English
        "Agents", "Property manager", "Letting agent", "Estate agent", "Real estate agent",
        "Realtor", "Broker", "Managing agent", "Leasing agent", "Property management", "Agency",
        // German
        "Makler", "Maklerin", "Immobilienmakler", "Verwalter", "Hausverwaltung", "Hausverwalter",
        "Vermittler",
        // French
        "Agence", "Agent immobilier", "Gestionnaire", "Mandataire", "Syndic",
        // Dutch
        "Makelaar", "Beheerder", "Vastgoedbeheerder", "Bemiddelaar",
        // Spanish
        "Agente", "Agente inmobiliario", "Inmobiliaria", "Administrador", "Gestor", "Corredor",
    ]),
    ("Other", &[
        // English
        "Others", "Misc", "Miscellaneous", "General",
        // German
        "Sonstige", "Sonstiges", "Andere", "Anderes", "Diverse",
        // French
        "Autre", "Autres", "Divers",
        // Dutch
        "Overig", "Overige", "Anders",
        // Spanish
        "Otro", "Otra", "Otros", "Varios",
    ]),
    ("", &[
        "N/A", "None", "Unknown", "TBC", "Keine", "Aucun", "Geen", "Ninguno",
    ]),
];

/// `(ISO code, names in German, French, Dutch, Spanish and the country's
/// own language)` for the countries our users' contacts mostly live in.
pub(super) static COUNTRIES: &[(&str, &[&str])] = &[
    ("AT", &["Österreich", "Autriche", "Oostenrijk"]),
    ("AU", &["Australien", "Australie"]),
    ("BE", &["Belgien", "Belgique", "België", "Bélgica"]),
    ("BR", &["Brasilien", "Brésil", "Brazilië", "Brasil"]),
    ("CA", &["Kanada"]),
    ("CH", &["Schweiz", "Suisse", "Svizzera", "Zwitserland", "Suiza"]),
    ("CZ", &["Tschechien", "Tchéquie", "Tsjechië", "Chequia", "Česko"]),
    ("DE", &["Deutschland", "BRD", "Allemagne", "Duitsland", "Alemania", "Germania"]),
    ("DK", &["Dänemark", "Denemarken", "Dinamarca", "Danmark"]),
    ("ES", &["Spanien", "Espagne", "Spanje", "España"]),
    ("FI", &["Finnland", "Finlande", "Finlandia", "Suomi"]),
    ("FR", &["Frankreich", "Frankrijk", "Francia"]),
    ("GB", &[
        "Vereinigtes Königreich", "Großbritannien", "Schottland", "Nordirland",
        "Royaume-Uni", "Grande-Bretagne", "Angleterre", "Écosse", "Pays de Galles",
        "Irlande du Nord", "Verenigd Koninkrijk", "Groot-Brittannië", "Engeland", "Schotland",
        "Reino Unido", "Gran Bretaña", "Inglaterra", "Escocia", "Gales",
    ]),
    ("GR", &["Griechenland", "Grèce", "Griekenland", "Grecia"]),
    ("HR", &["Kroatien", "Croatie", "Kroatië", "Croacia", "Hrvatska"]),
    ("HU", &["Ungarn", "Hongrie", "Hongarije", "Hungría", "Magyarország"]),
    ("IE", &["Irland", "Irlande", "Ierland", "Irlanda"]),
    ("IN", &["Indien", "Inde"]),
    ("IT", &["Italien", "Italie"]),
    ("JP", &["Japon"]),
    ("LU", &["Luxemburg", "Luxemburgo"]),
    ("NL", &["Niederlande", "Pays-Bas", "Nederland", "Países Bajos", "Holanda", "Hollande"]),
    ("NO", &["Norwegen", "Norvège", "Noorwegen", "Noruega", "Norge"]),
    ("NZ", &["Neuseeland", "Nouvelle-Zélande", "Nieuw-Zeeland", "Nueva Zelanda"]),
    ("PL", &["Polen", "Pologne", "Polonia", "Polska"]),
    ("RU", &["Russland", "Russie", "Rusland", "Rusia"]),
    ("SE", &["Schweden", "Suède", "Zweden", "Suecia", "Sverige"]),
    ("SG", &["Singapur", "Singapour"]),
    ("TR", &["Türkei", "Turquie", "Turkije", "Turquía"]),
    ("US", &[
        "Vereinigte Staaten", "Vereinigte Staaten von Amerika", "Amerika", "États-Unis",
        "États-Unis d'Amérique", "Verenigde Staten", "Estados Unidos", "EE.UU.",
    ]),
    ("ZA", &["Südafrika", "Afrique du Sud", "Zuid-Afrika", "Sudáfrica"]),
];
