"""Unbound Flask extensions; ``create_app`` binds them. Imports nothing from the rest of the package."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
socketio = SocketIO()
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
# Per-IP and per-person throttles (deliberate/throttle.py); Redis storage when a queue is configured.
limiter = Limiter(key_func=get_remote_address)
