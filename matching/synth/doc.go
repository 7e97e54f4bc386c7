// Package synth generates a deterministic synthetic population of Vietnamese
// patients as seen by many health facilities: the project's labelled test
// data for tests, default model estimation, benchmarks and accuracy reports.
//
// # Approach
//
// Generation runs in three stages, all drawing from one PCG source seeded
// with Options.Seed, so the same options give byte-identical output.
//
//  1. Population. Households are drawn province by province with 2019 census
//     weights over the 63 pre-2025 provinces. A household shares the father's
//     family name, an address (street, commune, province) and often a phone:
//     children and many elders give a parent's number. Names follow the real
//     frequencies (Nguyễn ~35 %, Trần, Lê, Phạm, Hoàng/Huỳnh and Vũ/Võ by
//     region, a long tail, compound and minority names), gendered middle
//     names by birth era (Thị for ~60 % of women) and skewed given names.
//     Everyone gets a birth date, a 12-digit CCCD encoding birth province,
//     century/sex and year (children under 14 often none; older people a
//     9-digit CMND as well or instead), a 10-digit BHXH number and a phone,
//     sometimes an earlier phone or an earlier province (movers).
//     Hard cases are planted with a Role: twins, newborns recorded under the
//     mother's name, their mothers, namesakes, fathers and sons sharing a
//     full name, movers.
//  2. Facilities. One claims feed ("BHXH-CLAIMS") plus hospitals, commune
//     health stations and private clinics ("BV79001", "TYT01234", "PK79101"),
//     each with its own habits: name layout (full, three parts, given name
//     first), text (NFC, upper case, no diacritics, NFD, TCVN3 or VNI-Windows
//     mojibake), date, sex, phone, province, ward and address formats, integer
//     storage that loses leading zeros, old tone placement, a sloppiness
//     factor and a local-ID scheme.
//  3. Records. Each person visits 1+Poisson(MeanRecords-1) facilities, mostly
//     in their province, at dates from 2014 to March 2026. Each visit renders
//     the truth as of that date (province codes and names before and after
//     the July 2025 merger, 11-digit phones before September 2018, CMND
//     before chip cards, BHYT group by age) through the facility's habits and
//     the errors of VIETNAM.md: dropped middle names, Hoàng/Huỳnh and Vũ/Võ
//     swaps, i/y swaps, hỏi/ngã and dialect typos, Telex or VNI keystroke
//     residue, day/month swaps, placeholder dates, one-digit ID typos,
//     placeholder phones and missing fields.
//
// Records are then shuffled and given local IDs in shuffled order, so neither
// order nor IDs leak the truth.
//
// # Example
//
// Nguyễn Thị Lan (born 12/03/1985 in Nam Định, CCCD 036185004217) has a baby
// boy in 2024 at a Nam Định hospital that writes ALL CAPS and dd/mm/yyyy. The
// baby's first record is
//
//	BV36002, 2400123, "CON BÀ NGUYỄN THỊ LAN", Nam, 04/05/2024, (no CCCD), her phone
//
// and a later record at a commune station, which sends parts without
// diacritics, is "Tran / Minh / Khoi", 2024-05-04. The mother's own record at a
// TCVN3 clinic reads "NguyÔn ThÞ Lan", and after July 2025 her province is
// written "37" (Ninh Bình) instead of "36". Their truth rows share the
// household ID and carry the roles "newborn" and "mother".
package synth
