package matching

// The embedded default model is estimated, not typed in: a synthetic
// population (seed 1001, never used for reporting accuracy) is generated,
// blocked, and trained on without labels; the labels only place the two
// thresholds (auto-link precision ≥ 0.999). See default_model.sh.
//go:generate sh default_model.sh
