# Group activities name their participants; they are read through the pages, which audit
# every read, and not through the administration.
