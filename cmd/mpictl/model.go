package main

import "github.com/vnhealth/mpi/matching"

// loadModel returns the model file at path, or the embedded default when
// path is empty.
func loadModel(path string) (*matching.Model, error) {
	if path == "" {
		return matching.DefaultModel(), nil
	}
	return matching.LoadModel(path)
}
