"""The project's own date formats per language (settings.FORMAT_MODULE_PATH); what a module
leaves out comes from Django's formats of the language."""
