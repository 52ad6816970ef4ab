"""ipywidgets views: thin wiring of controls to models and charts; no domain logic."""
