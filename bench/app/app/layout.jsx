export const metadata = { title: 'authkit-stepup benchmark' };

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
