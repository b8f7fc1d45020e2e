"""Call records: tables, summary, database, writer, step listener, monthly report, commands."""
