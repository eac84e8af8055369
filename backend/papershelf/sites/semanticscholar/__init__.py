"""Semantic Scholar: see reader.py (the backend half) and find.js (the extension half)."""
