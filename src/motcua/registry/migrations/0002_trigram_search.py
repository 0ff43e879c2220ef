from django.db import migrations


def create_trigram_index(apps, schema_editor):
    # PostgreSQL only: a trigram index makes "contains" name searches use an index.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS registry_citizen_name_key_trgm "
        "ON registry_citizen USING gin (name_key gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS registry_citizen_name_key_trgm")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index)]
