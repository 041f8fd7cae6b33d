"""archcat: a diagram-as-code catalog of real-world software architectures."""

__version__ = "0.1.0"
