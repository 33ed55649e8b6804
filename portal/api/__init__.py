"""The status API for contact-centre and partner systems (L10.1): tokens, problems, OpenAPI."""
