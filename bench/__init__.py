"""Sapar's benchmarks (`python -m bench nlu|bot|all`)."""
