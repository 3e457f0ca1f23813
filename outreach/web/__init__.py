"""Blueprints, one per area, and what they share: access checks, navigation, error pages."""
