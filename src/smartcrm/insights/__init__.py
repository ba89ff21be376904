"""Sales forecasts and anomaly alerts: stored results of the forecast and anomalies engines."""
