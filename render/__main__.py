from archcat.cli import main

raise SystemExit(main())
