"""Date formats per language (``FORMAT_MODULE_PATH``): templates name them (``|date:"DATE_FORMAT"``)
instead of spelling an English pattern, so a Chinese reader gets 2026年12月7日, not 十二月 7, 2026."""
