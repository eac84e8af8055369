"""PaperShelf: a local library of the papers you see on Hugging Face Papers and arXiv."""

__version__ = "0.1.0"
CLIENT_HEADER = "X-PaperShelf-Client"
KEY_HEADER = "X-PaperShelf-Key"  # the key a connected extension sends (pairing.py)
