"""Security surveys of places of worship: the versioned instrument, the measures, the risk model."""
