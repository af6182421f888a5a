"""Adaptive Card builders: domain views in, card JSON (version 1.5) out. No TurnContext here."""
