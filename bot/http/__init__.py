"""The web front: the ASGI buffering layer, the checks before Bolt, the WSGI app, gunicorn settings and `serve`."""
