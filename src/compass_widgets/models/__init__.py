"""Pure logic of the course tools: pandas in, numbers and tables out; no widgets, no charts."""
