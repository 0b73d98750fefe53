"""The Scrapy project: one spider per source, with its fetching and metadata."""
