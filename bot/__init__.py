"""OnRecord: keeps what officials said on the record."""

__version__ = "0.1.0"
