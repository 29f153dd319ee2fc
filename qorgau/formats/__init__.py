"""Date and number formats of each language (settings.FORMAT_MODULE_PATH): Django ships none for
Kazakh, and its Russian and English ones do not write dates as Kazakhstan's offices do."""
