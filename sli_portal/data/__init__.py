"""The top layer's data commands: the demo, a region's backup and generated scale data. They
touch every app's tables; no app imports them."""
