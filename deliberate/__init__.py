"""Deliberate: real-time deliberation for live, multilingual panel discussions.

Deliberately empty of imports: ``deliberate.asyncmode`` must be able to monkey patch before Flask
and the database drivers are imported. The application factory is ``deliberate.app.create_app``.
"""

__version__ = "0.1.0"
