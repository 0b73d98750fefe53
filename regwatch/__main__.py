from regwatch.cli.main import main

main()
