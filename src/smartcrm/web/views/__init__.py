"""HTML views: parse the request, check the role, call one selector or service, render.

One module per area of the product, mirroring the domain apps they read from."""
