"""The study's summary: scores table (CSV and Markdown, paper layout) and plots."""
