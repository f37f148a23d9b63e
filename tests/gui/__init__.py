"""Tests that need a QApplication (run offscreen)."""
