"""Outbound channels behind one interface, so tips and bulletins never import a chat library."""
