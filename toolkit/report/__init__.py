"""The monthly report: statistics, charts and the notebook that lays them out."""
