"""Motion analysis: landmark tracks in, per-exercise counts and measures out (pure: numpy,
no camera, no MediaPipe). `registry.analyse` runs any exercise over a track."""
