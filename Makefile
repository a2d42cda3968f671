# The two commands a new user needs: `make demo` (run the product) and `make check` (the whole test suite).
.PHONY: demo check serve install

install:
	bash scripts/bootstrap.sh

demo: install
	.venv/bin/strata demo

serve: install
	.venv/bin/strata serve

check:
	bash scripts/check.sh
