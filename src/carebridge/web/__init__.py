"""The web app the partner organisations share: server-rendered pages (Jinja2 and htmx) and a JSON API
(FastAPI) over the store, served by Uvicorn. Every asset is served by the app itself; nothing from a CDN.

:func:`carebridge.web.app.create_app` builds the application; ``carebridge serve`` runs it.
"""
