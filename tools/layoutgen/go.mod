module layoutgen

go 1.19
