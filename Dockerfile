# regwatch as an image: the command line, the scheduler, the workers and the web, run as
# an unprivileged user. Build: docker build -t regwatch .   Run: see compose.yaml and the
# README ("Running it for an organisation").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    REGWATCH_DATA_DIR=/data

# The user the processes run as; /data (the raw replies, the exports) is theirs.
RUN groupadd --system --gid 10001 regwatch \
    && useradd --system --uid 10001 --gid regwatch --home-dir /home/regwatch --create-home regwatch \
    && mkdir /data && chown regwatch:regwatch /data

WORKDIR /app
COPY pyproject.toml README.md LICENSE scrapy.cfg ./
COPY scraper ./scraper
COPY pipelines ./pipelines
COPY schedules ./schedules
COPY regwatch ./regwatch
RUN pip install '.[postgres]'

USER regwatch
VOLUME ["/data"]
EXPOSE 8000
ENTRYPOINT ["regwatch"]
CMD ["schedule"]
