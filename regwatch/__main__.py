from regwatch.cli import main

main()
