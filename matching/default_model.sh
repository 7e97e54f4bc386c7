#!/bin/sh
# Estimates the embedded default model (default_model.json) from synthetic
# data; run by `go generate ./matching`. The seed is reserved for this: no
# accuracy figure is measured on it.
set -eu
persons=20000
seed=1001
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
${MPICTL:-go run ../cmd/mpictl} gen --quiet --persons "$persons" --seed "$seed" --out "$d"
${MPICTL:-go run ../cmd/mpictl} train --quiet --in "$d/records.csv" --truth "$d/truth.csv" --seed "$seed" \
	--data "mpictl gen --persons $persons --seed $seed" \
	--description "default model: estimated by mpictl train (u from random pairs, m by EM, no labels) on synthetic data; thresholds calibrated on its labels" \
	--out default_model.json.new
mv default_model.json.new default_model.json
