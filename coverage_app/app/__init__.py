"""The Streamlit app (pages only call the library; see ``Home.py``)."""

from pathlib import Path

#: The script ``streamlit run`` starts.
APP_ENTRY = Path(__file__).resolve().parent / "Home.py"
