//! ISO 3166-1 alpha-2 countries with their English names and common aliases (being written).
