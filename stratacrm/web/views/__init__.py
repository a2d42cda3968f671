"""Web pages. Each view names the action it needs (`access.page`), calls a selector or a service, and
renders; its docstring says which roles see it and which fields are masked."""
