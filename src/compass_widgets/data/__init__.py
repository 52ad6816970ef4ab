"""Synthetic datasets shipped with the course, and the script that makes them."""
