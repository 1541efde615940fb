# Observations hold free text about localities; they are read through the pages, which audit
# every read, and not through the administration.
