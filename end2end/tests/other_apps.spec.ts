// Contacts exported from other apps, imported with no hand work: files
// written exactly as Google Contacts (CSV), Outlook (CSV), an iPhone (vCard
// 3.0) and Android (vCard 2.1, quoted-printable) write them, built here from
// the published layouts; each is chosen on the import page, confirmed, and
// the contacts that land in Postgres are checked field by field (phone
// numbers in E.164, read by the row's country: the account has none).
//
// Postgres is read with psql at E2E_DATABASE_URL (scripts/test passes the
// run's database).
import { test, expect, type Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { accountOf, hydrated, psql, signUpNewAccount } from './support';

const FIELDS = [
  'kind', 'title', 'first_name', 'last_name', 'company_name', 'email', 'phone', 'mobile',
  'address_line1', 'address_line2', 'city', 'region', 'postcode', 'country', 'category', 'notes',
] as const;
type Stored = Partial<Record<(typeof FIELDS)[number], string>>;

/** Every contact of the account signed up as `email`, as stored. */
function storedContacts(email: string): Record<string, string>[] {
  const sql = `SELECT coalesce(json_agg(row_to_json(c)), '[]') FROM (
      SELECT ${FIELDS.join(', ')} FROM contacts
      WHERE account_id = ${accountOf(email)}
    ) c`;
  return JSON.parse(psql(sql));
}

/** `expected` with every other field blank (what a new contact stores). */
function whole(expected: Stored): Record<string, string> {
  return Object.fromEntries(FIELDS.map((field) => [field, expected[field] ?? (field === 'kind' ? 'Person' : '')]));
}

/** Checks that the account holds exactly `expected`, field by field. */
function expectStored(email: string, expected: Stored[]) {
  const rows = storedContacts(email);
  const key = (c: Record<string, string> | Stored) => `${c.first_name ?? ''}|${c.last_name ?? ''}|${c.company_name ?? ''}`;
  expect(rows.map(key).sort()).toEqual(expected.map(key).sort());
  for (const contact of expected) {
    const row = rows.find((candidate) => key(candidate) === key(contact));
    expect(row, key(contact)).toEqual(whole(contact));
  }
}

/** A CSV file: the header row as the app writes it, then one line per
 *  contact (cells by header; the others blank), quoted where needed. */
function csv(headers: string[], rows: Record<string, string>[], options: { quoteAll?: boolean } = {}): string {
  const quote = (value: string) =>
    options.quoteAll || /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
  for (const row of rows) {
    for (const header of Object.keys(row)) {
      if (!headers.includes(header)) throw new Error(`${header} is not a column of this layout`);
    }
  }
  const lines = [headers, ...rows.map((row) => headers.map((header) => row[header] ?? ''))];
  return lines.map((cells) => cells.map(quote).join(',')).join('\r\n') + '\r\n';
}

function file(name: string, content: string | Buffer): string {
  const path = test.info().outputPath(name);
  writeFileSync(path, content);
  return path;
}

/** Chooses the file on the import page, waits until every row is valid,
 *  confirms, and waits for the result. */
async function importFile(page: Page, path: string, rows: number) {
  await page.goto('/contacts/import');
  await hydrated(page);
  await page.locator('#import-file').setInputFiles(path);
  await expect(page.locator('.count.ok')).toContainText(`${rows} valid`);
  await expect(page.locator('.count.bad')).toContainText('0 with issues');
  await expect(page.getByRole('button', { name: 'Confirm import' })).toBeEnabled();
  await page.getByRole('button', { name: 'Confirm import' }).click();
  await expect(page.getByRole('status')).toContainText(`Import complete: ${rows} created`);
}

// Google Contacts' CSV export since 2023 (contacts.google.com › Export ›
// Google CSV), its header row as published.
const GOOGLE_HEADERS = [
  'First Name', 'Middle Name', 'Last Name', 'Phonetic First Name', 'Phonetic Middle Name', 'Phonetic Last Name',
  'Name Prefix', 'Name Suffix', 'Nickname', 'File As', 'Organization Name', 'Organization Title',
  'Organization Department', 'Birthday', 'Notes', 'Photo', 'Labels', 'E-mail 1 - Label', 'E-mail 1 - Value',
  'E-mail 2 - Label', 'E-mail 2 - Value', 'Phone 1 - Label', 'Phone 1 - Value', 'Phone 2 - Label', 'Phone 2 - Value',
  'Address 1 - Label', 'Address 1 - Formatted', 'Address 1 - Street', 'Address 1 - City', 'Address 1 - PO Box',
  'Address 1 - Region', 'Address 1 - Postal Code', 'Address 1 - Country', 'Address 1 - Extended Address',
  'Website 1 - Label', 'Website 1 - Value',
];

test('a Google Contacts CSV export imports every field', async ({ page }) => {
  const { email } = await signUpNewAccount(page);
  const path = file('contacts.csv', '\ufeff' + csv(GOOGLE_HEADERS, [
    {
      'First Name': 'Amélie', 'Last Name': 'Lefèvre', 'Name Prefix': 'Ms', 'File As': 'Lefèvre, Amélie',
      'Notes': 'Owns two flats.\nCall after 6pm.', 'Labels': 'Landlords ::: * myContacts',
      'E-mail 1 - Label': '* Home', 'E-mail 1 - Value': 'amelie.lefevre@example.fr',
      'E-mail 2 - Label': 'Work', 'E-mail 2 - Value': 'a.lefevre@agence.example',
      'Phone 1 - Label': 'Mobile', 'Phone 1 - Value': '+33 6 12 34 56 78',
      'Phone 2 - Label': 'Work', 'Phone 2 - Value': '+33 1 23 45 67 89',
      'Address 1 - Label': 'Home', 'Address 1 - Formatted': '8 Rue de la Paix\nEscalier B\n75002 Paris\nFR',
      'Address 1 - Street': '8 Rue de la Paix\nEscalier B', 'Address 1 - City': 'Paris',
      'Address 1 - Postal Code': '75002', 'Address 1 - Country': 'France',
    },
    {
      'First Name': 'Hương', 'Last Name': 'Nguyễn', 'Labels': 'Tenants ::: * myContacts',
      'E-mail 1 - Label': '* Other', 'E-mail 1 - Value': 'huong.nguyen@example.com.au',
      'Phone 1 - Label': 'Mobile', 'Phone 1 - Value': '0412 555 019',
      'Address 1 - Label': 'Home', 'Address 1 - Formatted': 'Unit 4\n22 King St\nNewtown NSW 2042\nAU',
      'Address 1 - Street': 'Unit 4\n22 King St', 'Address 1 - City': 'Newtown', 'Address 1 - Region': 'NSW',
      'Address 1 - Postal Code': '2042', 'Address 1 - Country': 'Australia',
    },
    {
      'Organization Name': 'Østergaard & Søn Plumbing', 'File As': 'Østergaard & Søn Plumbing',
      'Labels': 'Suppliers ::: * myContacts',
      'E-mail 1 - Label': 'Work', 'E-mail 1 - Value': 'jobs@ostergaard.example',
      'Phone 1 - Label': 'Work', 'Phone 1 - Value': '(03) 9555 0142',
      'Address 1 - Label': 'Work', 'Address 1 - Street': '3/40 Smith St', 'Address 1 - City': 'Collingwood',
      'Address 1 - Region': 'VIC', 'Address 1 - Postal Code': '3066', 'Address 1 - Country': 'Australia',
    },
  ]));
  await importFile(page, path, 3);
  expectStored(email, [
    {
      title: 'Ms', first_name: 'Amélie', last_name: 'Lefèvre', email: 'amelie.lefevre@example.fr',
      phone: '+33123456789', mobile: '+33612345678', address_line1: '8 Rue de la Paix',
      address_line2: 'Escalier B', city: 'Paris', postcode: '75002', country: 'FR', category: 'Landlord',
      notes: 'Owns two flats.\nCall after 6pm.',
    },
    {
      first_name: 'Hương', last_name: 'Nguyễn', email: 'huong.nguyen@example.com.au', mobile: '+61412555019',
      address_line1: 'Unit 4', address_line2: '22 King St', city: 'Newtown', region: 'NSW', postcode: '2042',
      country: 'AU', category: 'Tenant',
    },
    {
      kind: 'Company', company_name: 'Østergaard & Søn Plumbing', email: 'jobs@ostergaard.example',
      phone: '+61395550142', address_line1: '3/40 Smith St', city: 'Collingwood', region: 'VIC',
      postcode: '3066', country: 'AU', category: 'Supplier',
    },
  ]);
});

// Outlook's CSV export (File › Open & Export › Import/Export › Comma
// Separated Values), its header row as published: every value quoted.
const OUTLOOK_HEADERS = [
  'Title', 'First Name', 'Middle Name', 'Last Name', 'Suffix', 'Company', 'Department', 'Job Title',
  'Business Street', 'Business Street 2', 'Business Street 3', 'Business City', 'Business State',
  'Business Postal Code', 'Business Country/Region', 'Home Street', 'Home Street 2', 'Home Street 3', 'Home City',
  'Home State', 'Home Postal Code', 'Home Country/Region', 'Other Street', 'Other Street 2', 'Other Street 3',
  'Other City', 'Other State', 'Other Postal Code', 'Other Country/Region', "Assistant's Phone", 'Business Fax',
  'Business Phone', 'Business Phone 2', 'Callback', 'Car Phone', 'Company Main Phone', 'Home Fax', 'Home Phone',
  'Home Phone 2', 'ISDN', 'Mobile Phone', 'Other Fax', 'Other Phone', 'Pager', 'Primary Phone', 'Radio Phone',
  'TTY/TDD Phone', 'Telex', 'Account', 'Anniversary', "Assistant's Name", 'Billing Information', 'Birthday',
  'Business Address PO Box', 'Categories', 'Children', 'Directory Server', 'E-mail Address', 'E-mail Type',
  'E-mail Display Name', 'E-mail 2 Address', 'E-mail 2 Type', 'E-mail 2 Display Name', 'E-mail 3 Address',
  'E-mail 3 Type', 'E-mail 3 Display Name', 'Gender', 'Government ID Number', 'Hobby', 'Home Address PO Box',
  'Initials', 'Internet Free Busy', 'Keywords', 'Language', 'Location', "Manager's Name", 'Mileage', 'Notes',
  'Office Location', 'Organizational ID Number', 'Other Address PO Box', 'Priority', 'Private', 'Profession',
  'Referred By', 'Sensitivity', 'Spouse', 'User 1', 'User 2', 'User 3', 'User 4', 'Web Page',
];

/** What Outlook writes in every row when nothing is set. */
const OUTLOOK_UNSET = {
  'Anniversary': '0/0/00', 'Birthday': '0/0/00', 'Gender': 'Unspecified', 'Priority': 'Normal',
  'Private': 'False', 'Sensitivity': 'Normal',
};

test('an Outlook CSV export imports every field, the right address block for people and companies', async ({ page }) => {
  const { email } = await signUpNewAccount(page);
  const path = file('outlook contacts.csv', csv(OUTLOOK_HEADERS, [
    {
      ...OUTLOOK_UNSET, 'Title': 'Mr.', 'First Name': 'José', 'Last Name': 'Muñoz',
      'Home Street': 'Calle de Alcalá 42\n3º izquierda', 'Home City': 'Madrid', 'Home Postal Code': '28014',
      'Home Country/Region': 'Spain', 'Mobile Phone': '+34 612 345 678', 'Categories': 'Tenant',
      'E-mail Address': 'jose.munoz@example.es', 'E-mail Type': 'SMTP', 'E-mail Display Name': 'José Muñoz (jose.munoz@example.es)',
      'E-mail 2 Address': 'jmunoz@trabajo.example.es', 'E-mail 2 Type': 'SMTP',
      'E-mail 2 Display Name': 'José Muñoz (jmunoz@trabajo.example.es)', 'Initials': 'J.M.', 'Notes': 'Pays by transfer.',
    },
    {
      ...OUTLOOK_UNSET, 'First Name': 'Gráinne', 'Last Name': "O'Neill", 'Company': 'Harbour Realty',
      'Business Street': 'Level 3\n100 Pitt St', 'Business City': 'Sydney', 'Business State': 'NSW',
      'Business Postal Code': '2000', 'Business Country/Region': 'Australia',
      'Home Street': '7 Ocean Ave', 'Home City': 'Bondi', 'Home State': 'NSW', 'Home Postal Code': '2026',
      'Home Country/Region': 'Australia', 'Business Phone': '(02) 9000 1234', 'Categories': 'Agent',
      'E-mail Address': 'grainne@harbourrealty.example', 'E-mail Type': 'SMTP', 'Initials': 'G.O.',
    },
    {
      ...OUTLOOK_UNSET, 'Company': 'Brightwater Strata Ltd',
      'Business Street': 'Suite 12\n55 Collins St', 'Business City': 'Melbourne', 'Business State': 'VIC',
      'Business Postal Code': '3000', 'Business Country/Region': 'Australia',
      'Business Phone': '(03) 9600 7000', 'Categories': 'Supplier',
      'E-mail Address': 'office@brightwater.example', 'E-mail Type': 'SMTP',
    },
  ], { quoteAll: true }));
  await importFile(page, path, 3);
  expectStored(email, [
    {
      title: 'Mr.', first_name: 'José', last_name: 'Muñoz', email: 'jose.munoz@example.es', mobile: '+34612345678',
      address_line1: 'Calle de Alcalá 42', address_line2: '3º izquierda', city: 'Madrid', postcode: '28014',
      country: 'ES', category: 'Tenant', notes: 'Pays by transfer.',
    },
    {
      first_name: 'Gráinne', last_name: "O'Neill", company_name: 'Harbour Realty', email: 'grainne@harbourrealty.example',
      phone: '+61290001234', address_line1: '7 Ocean Ave', city: 'Bondi', region: 'NSW', postcode: '2026',
      country: 'AU', category: 'Agent',
    },
    {
      kind: 'Company', company_name: 'Brightwater Strata Ltd', email: 'office@brightwater.example',
      phone: '+61396007000', address_line1: 'Suite 12', address_line2: '55 Collins St', city: 'Melbourne',
      region: 'VIC', postcode: '3000', country: 'AU', category: 'Supplier',
    },
  ]);
});

/** vCard lines joined as phones write them (CRLF), long lines folded at 75
 *  octets with a leading space (RFC 6350 3.2) as iOS does. */
function vcard(lines: string[], fold = false): string {
  const folded = lines.flatMap((line) => {
    if (!fold || Buffer.byteLength(line) <= 75) return [line];
    const parts: string[] = [];
    let rest = line;
    while (Buffer.byteLength(rest) > 74) {
      let cut = 74;
      while (Buffer.byteLength(rest.slice(0, cut)) > 74) cut -= 1;
      parts.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    parts.push(rest);
    return parts.map((part, index) => (index === 0 ? part : ' ' + part));
  });
  return folded.join('\r\n') + '\r\n';
}

test('an iPhone vCard 3.0 export imports every field', async ({ page }) => {
  const { email } = await signUpNewAccount(page);
  const path = file('Contacts.vcf', vcard([
    'BEGIN:VCARD', 'VERSION:3.0', 'PRODID:-//Apple Inc.//iPhone OS 17.4//EN',
    'N:Fontaine;Élodie;;Mrs;', 'FN:Mrs Élodie Fontaine',
    'item1.EMAIL;type=INTERNET;type=HOME;type=pref:elodie.fontaine@example.com',
    'item2.EMAIL;type=INTERNET;type=WORK:e.fontaine@bureau.example',
    'item3.TEL;type=CELL;type=VOICE;type=pref:+61 400 111 222',
    'item4.TEL;type=HOME;type=VOICE:(02) 9876 5432',
    'item5.ADR;type=HOME;type=pref:;;Unit 5\\n18 Beach Rd;Manly;NSW;2095;Australia',
    'item5.X-ABADR:au',
    'NOTE:Prefers text messages. The side gate sticks\\, so lift it a little before pushing.\\nDog on premises.',
    'END:VCARD',
    'BEGIN:VCARD', 'VERSION:3.0', 'PRODID:-//Apple Inc.//iPhone OS 17.4//EN',
    'N:;;;;', 'FN:Kōwhai Cleaning Co', 'ORG:Kōwhai Cleaning Co;',
    'item1.EMAIL;type=INTERNET;type=WORK;type=pref:hello@kowhai.example',
    'item2.TEL;type=WORK;type=VOICE;type=pref:+64 9 555 0199',
    'item3.ADR;type=WORK;type=pref:;;12 Queen St;Auckland;;1010;New Zealand',
    'X-ABShowAs:COMPANY',
    'END:VCARD',
    'BEGIN:VCARD', 'VERSION:3.0', 'PRODID:-//Apple Inc.//iPhone OS 17.4//EN',
    'N:Wiśniewski;Łukasz;;Dr;', 'FN:Dr Łukasz Wiśniewski', 'ORG:Wiśniewski Legal;',
    'item1.EMAIL;type=INTERNET;type=WORK;type=pref:lukasz@wisniewski.example',
    'item2.TEL;type=IPHONE;type=CELL;type=VOICE:0413 222 333',
    'item3.TEL;type=WORK;type=VOICE:(03) 9100 2000',
    'item4.ADR;type=WORK;type=pref:;;Level 2\\n500 Bourke St;Melbourne;VIC;3000;Australia',
    'END:VCARD',
  ], true));
  await importFile(page, path, 3);
  expectStored(email, [
    {
      title: 'Mrs', first_name: 'Élodie', last_name: 'Fontaine', email: 'elodie.fontaine@example.com',
      phone: '+61298765432', mobile: '+61400111222', address_line1: 'Unit 5', address_line2: '18 Beach Rd',
      city: 'Manly', region: 'NSW', postcode: '2095', country: 'AU',
      notes: 'Prefers text messages. The side gate sticks, so lift it a little before pushing.\nDog on premises.',
    },
    {
      kind: 'Company', company_name: 'Kōwhai Cleaning Co', email: 'hello@kowhai.example', phone: '+6495550199',
      address_line1: '12 Queen St', city: 'Auckland', postcode: '1010', country: 'NZ',
    },
    {
      title: 'Dr', first_name: 'Łukasz', last_name: 'Wiśniewski', company_name: 'Wiśniewski Legal',
      email: 'lukasz@wisniewski.example', phone: '+61391002000', mobile: '+61413222333',
      address_line1: 'Level 2', address_line2: '500 Bourke St', city: 'Melbourne', region: 'VIC', postcode: '3000',
      country: 'AU',
    },
  ]);
});

/** `text` as vCard 2.1's quoted-printable (UTF-8 octets as =XX, soft line
 *  breaks every 70 characters, as Android writes it). */
function quotedPrintable(text: string): string {
  const encoded = [...Buffer.from(text, 'utf8')]
    .map((byte) => (byte >= 0x21 && byte <= 0x7e && byte !== 0x3d && byte !== 0x3b) || byte === 0x20
      ? String.fromCharCode(byte)
      : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');
  const lines: string[] = [];
  let rest = encoded;
  while (rest.length > 70) {
    let cut = 70;
    // Never split an =XX octet.
    const equals = rest.lastIndexOf('=', cut);
    if (equals > cut - 3) cut = equals;
    lines.push(rest.slice(0, cut) + '=');
    rest = rest.slice(cut);
  }
  lines.push(rest);
  return lines.join('\r\n');
}

/** A 2.1 structured value (N, ADR) with each part quoted-printable. */
function qpParts(parts: string[]): string {
  return quotedPrintable(parts.join('\u0000')).replace(/=00/g, ';');
}

test('an Android vCard 2.1 export with quoted-printable imports every field', async ({ page }) => {
  const { email } = await signUpNewAccount(page);
  const qp = 'CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE';
  const path = file('00001.vcf', vcard([
    'BEGIN:VCARD', 'VERSION:2.1',
    `N;${qp}:${qpParts(['Müller', 'Jürgen', '', '', ''])}`,
    `FN;${qp}:${quotedPrintable('Jürgen Müller')}`,
    'TEL;CELL:+49 151 2345 6789', 'TEL;WORK;FAX:+49 30 1234 5679',
    'EMAIL;HOME:juergen@example.de',
    `ADR;HOME;${qp}:${qpParts(['', '', 'Straße des 17. Juni 135\nHinterhaus, Aufgang C, 3. Obergeschoss links', 'Berlin', '', '10623', 'Germany'])}`,
    `NOTE;${qp}:${quotedPrintable('Schlüssel beim Hausmeister.\nZweite Zeile.')}`,
    'END:VCARD',
    'BEGIN:VCARD', 'VERSION:2.1',
    `N;${qp}:${qpParts(['García', 'María José', '', 'Dr.', ''])}`,
    `FN;${qp}:${quotedPrintable('Dr. María José García')}`,
    'TEL;HOME:+34 912 345 678', 'TEL;CELL:+34 612 345 678',
    'EMAIL;HOME:maria.garcia@example.es', 'EMAIL;WORK:mgarcia@oficina.example.es',
    'END:VCARD',
    'BEGIN:VCARD', 'VERSION:2.1',
    'N:Baker;Tom;;;', 'FN:Tom Baker', 'TEL;CELL;PREF:0400 987 654',
    'ADR;WORK:;;1 Harbour Rd;Hobart;TAS;7000;Australia',
    'END:VCARD',
  ]));
  await importFile(page, path, 3);
  expectStored(email, [
    {
      first_name: 'Jürgen', last_name: 'Müller', email: 'juergen@example.de', mobile: '+4915123456789',
      address_line1: 'Straße des 17. Juni 135', address_line2: 'Hinterhaus, Aufgang C, 3. Obergeschoss links',
      city: 'Berlin', postcode: '10623', country: 'DE', notes: 'Schlüssel beim Hausmeister.\nZweite Zeile.',
    },
    {
      title: 'Dr.', first_name: 'María José', last_name: 'García', email: 'maria.garcia@example.es',
      phone: '+34912345678', mobile: '+34612345678',
    },
    {
      first_name: 'Tom', last_name: 'Baker', mobile: '+61400987654', address_line1: '1 Harbour Rd', city: 'Hobart',
      region: 'TAS', postcode: '7000', country: 'AU',
    },
  ]);
});
