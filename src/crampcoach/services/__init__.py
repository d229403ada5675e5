"""Use cases: one function per thing a person does; the CLI and the web call the same ones."""
