package place

// The embedded tables in data/ are derived from the MIT-licensed originals in /work/shared/data.
//go:generate go run ./internal/gen -src ../../../shared/data -out data
