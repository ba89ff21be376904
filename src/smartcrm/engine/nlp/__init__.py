"""Offline NLP for customer feedback and support text, in English and Chinese.

Plain Python (no Django): language detection, sentiment and aspect sentiment, and the other
analyses of feedback and tickets. Models train from data shipped inside installed packages and
never download anything at run time.
"""
