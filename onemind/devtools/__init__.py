"""Development tools, never needed in production: the national benchmark data set (``onemind
generate-national``), the benchmark (``onemind bench``) and its load generator.

Left out of the built wheel (pyproject.toml) and registered as a Django app only where present (settings.py), so
a production install carries no benchmark code, URLs or commands.
"""
