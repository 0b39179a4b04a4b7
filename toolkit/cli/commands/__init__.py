"""The ``toolkit`` commands, one module per stage; each module's ``COMMANDS`` lists them in
the order ``toolkit --help`` shows them."""
