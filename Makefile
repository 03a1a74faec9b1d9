.PHONY: run test faults lint setup superuser bench

run:  ## the platform on the embedded default, with demo data
	@scripts/run.sh

test:  ## the whole suite on PostgreSQL + Redis (localhost, or DATABASE_URL / REDIS_URL)
	@scripts/test.sh

faults:  ## kill real worker, beat, Redis and database connections; check the work recovers
	@scripts/faults.sh

setup:
	@scripts/bootstrap.sh

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy .
	.venv/bin/lint-imports

superuser:
	.venv/bin/python manage.py createsuperuser

bench:
	.venv/bin/python -m bench
