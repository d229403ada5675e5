"""Diary files: CSV and JSON, written deterministically, read strictly. Pure: text in and out."""
