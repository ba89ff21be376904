"""The HTML interface: templates and thin views over services and selectors."""
